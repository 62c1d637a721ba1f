"""The waitlist: freed slots are offered, as timed holds, to patients in the order they joined."""
