"""Small helpers every package may import: not an app, no models, no imports of the apps."""
