"""Local HTTP fakes of the SMS providers' APIs, for notify's tests.

`twilio_fake.TwilioFake` and `africastalking_fake.AfricasTalkingFake` are real HTTP servers on a
free loopback port (`server.FakeApiServer`), so the providers' official SDKs talk to them as to
the real APIs.
"""
