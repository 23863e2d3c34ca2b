"""Small helpers shared by every package (not an app: no models, no settings).

Anything may import `common`; `common` imports no app.
"""
