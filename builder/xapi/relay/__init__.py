"""``coursepack relay``: an HTTP service that takes statements from packages and forwards them to the LRS.

A SCORM 1.2 package cannot be handed a secret at launch, so the relay holds the LRS credentials and
lets through only statements that belong to the courses it was given. The parts:

* :mod:`.allowlist` learns what to accept from course folders and built packages;
* :mod:`.rules` checks every statement of a batch against it (all or nothing);
* :mod:`.forward` posts accepted batches to the LRS with the credentials;
* :mod:`.ratelimit` is a token bucket per client address (in memory, per instance);
* :mod:`.app` is the ASGI application (routing, CORS, sizes, JSON logs);
* :mod:`.cli` is the command, served by uvicorn (the ``relay`` extra).

Nothing here keeps state between requests except the rate-limit buckets, so any number of
instances can run behind a load balancer.
"""
