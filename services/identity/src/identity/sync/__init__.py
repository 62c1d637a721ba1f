"""Identity's side of the offline sync push: patients registered on a front desk device."""
