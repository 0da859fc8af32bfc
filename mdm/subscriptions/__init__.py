"""Webhook subscriptions: endpoints, what they want, their secrets, their health."""
