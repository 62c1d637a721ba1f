"""What notify keeps of identity's and booking's data, applied from their events."""
