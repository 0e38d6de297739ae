"""The web app: the factory, the webhook, health, the chat simulator and the staff console."""
