"""Email reports: when they are due (periods.py), what they say (content.py), how they read
(message.py), who gets them (recipients.py) and how each is sent once (delivery.py).

docs/emails.md is the user's and operator's account of it.
"""
