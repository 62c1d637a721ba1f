"""Patients' messages and their delivery history, to the patient and the clinic's staff."""
