"""Read models rebuilt from kaitei's events: the schedule's validity intervals."""
