"""Providers' callbacks: delivery reports and patients' STOP / START replies."""
