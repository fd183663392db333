"""Plans, subscriptions, CMI checkout and callback, invoices."""
