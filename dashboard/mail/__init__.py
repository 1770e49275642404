"""E-mail: digests of what a change made newly red, escalated or recognised, and reminders of figures to enter.

Letters are worked out and queued after the change has committed (watch), and sent through LAA_SMTP_URL's server
in the background, with retries (outbox): a slow or failing mail server never fails or slows a write."""
