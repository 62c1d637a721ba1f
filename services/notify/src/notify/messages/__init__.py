"""Messages to patients, from planned to delivered.

- models.py: the tables (a message is a row before it is sent, with its status history);
- service.py: where messages are planned (and withdrawn) from booking's and identity's events;
- dispatch.py: where they are sent: the dispatcher's rounds claim due messages, hand them to
  their providers (sending.py) and record the outcomes;
- status.py: every status change, with its history entry and event (the dispatcher's and the
  providers' delivery reports alike);
- rules.py, quiet_hours.py: the pure rules (due times, quiet hours, what a due message says and
  to whom, SMS fallback, status order);
- repository.py: every SQL statement on messages and their history.
"""
