"""Registry of the systems that send records to the hub or receive its changes."""
