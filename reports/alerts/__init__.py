"""Traffic alerts: the check the workers run every few minutes (checks.py) and its emails
(messages.py). docs/emails.md explains them to site owners."""
