"""``coursepack relay``: run the xAPI relay (registered by ``builder/cli.py``).

Exit codes: 2 invalid input (options, credentials, course paths), 1 the server could not run
(uvicorn missing, the port taken). Credentials come only from the environment or a file
(:func:`builder.xapi.lrs.load_credentials`), never from an option, and are never printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from builder.problems import CoursepackError

HELP_CREDENTIALS = (
    "A JSON file with the LRS 'key' and 'secret' (and 'endpoint') (default: "
    "$COURSEPACK_LRS_CREDENTIALS, else $COURSEPACK_LRS_KEY / $COURSEPACK_LRS_SECRET)."
)


def _fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.command("relay")
@click.option(
    "--lrs",
    "lrs",
    metavar="URL",
    help="The LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/ (default: from the credentials).",
)
@click.option("--credentials", type=click.Path(path_type=Path), help=HELP_CREDENTIALS)
@click.option(
    "--courses",
    "courses",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="A course folder, a built package (.zip), or a folder holding them; repeat for "
    "more. Statements are accepted for these courses only.",
)
@click.option(
    "--homepage",
    "homepages",
    multiple=True,
    metavar="URL",
    help="Another LMS address accepted as the learner account's homePage (besides each course's "
    "xapi.lms_homepage); repeatable.",
)
@click.option(
    "--allow-origin",
    "origins",
    multiple=True,
    metavar="ORIGIN",
    help="A web origin (https://lms.example.org) whose pages may post; repeatable. Default: the origins "
    "of the accepted homePages.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every one).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option(
    "--max-age",
    type=click.FloatRange(min=1),
    default=7 * 24 * 3600,
    show_default=True,
    metavar="S",
    help="Refuse statements whose timestamp is older than this many seconds.",
)
@click.option(
    "--max-future",
    type=click.FloatRange(min=0),
    default=300,
    show_default=True,
    metavar="S",
    help="Refuse statements whose timestamp is more than this many seconds ahead (clock skew).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1024),
    default=256 * 1024,
    show_default=True,
    metavar="BYTES",
    help="The largest request body.",
)
@click.option(
    "--max-batch",
    type=click.IntRange(min=1, max=10_000),
    default=100,
    show_default=True,
    metavar="N",
    help="The most statements in one request.",
)
@click.option(
    "--max-string",
    type=click.IntRange(min=64),
    default=4096,
    show_default=True,
    metavar="N",
    help="The longest string (characters) anywhere in a statement.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0),
    default=20,
    show_default=True,
    metavar="N",
    help="Requests per second per client address, after the burst (0: no limit).",
)
@click.option(
    "--burst",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    metavar="N",
    help="Requests a client address may send at once.",
)
@click.option(
    "--trust-proxy",
    "proxies",
    multiple=True,
    metavar="ADDR",
    help="A load balancer's address whose X-Forwarded-For gives the client address; repeatable.",
)
@click.option(
    "--lrs-timeout",
    type=click.FloatRange(min=0.5, max=300),
    default=10,
    show_default=True,
    metavar="S",
    help="Seconds to wait for the LRS.",
)
@click.option(
    "--lrs-connections",
    type=click.IntRange(min=1, max=256),
    default=16,
    show_default=True,
    metavar="N",
    help="Requests to the LRS at the same time (each keeps its connection open).",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    metavar="N",
    help="Open connections before new requests get 503.",
)
@click.option(
    "--history/--no-history",
    default=True,
    show_default=True,
    help="Check passed, failed and completed statements against what the LRS already holds for the "
    "registration (a second completion, a failed after a pass, more attempts than the quiz allows); "
    "the relay's key then needs the statements/read scope.",
)
@click.option(
    "--tls-cert",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    metavar="FILE",
    help="Serve HTTPS with this certificate (PEM) and --tls-key (else put a TLS proxy in front).",
)
@click.option(
    "--tls-key",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    metavar="FILE",
    help="The private key (PEM) of --tls-cert.",
)
def relay(
    lrs,
    credentials,
    courses,
    homepages,
    origins,
    host,
    port,
    max_age,
    max_future,
    max_body,
    max_batch,
    max_string,
    rate,
    burst,
    proxies,
    lrs_timeout,
    lrs_connections,
    max_connections,
    history,
    tls_cert,
    tls_key,
):
    """Take xAPI statements from course packages and forward the valid ones to the LRS.

    Packages built with xapi.relay_url (or --xapi-relay) post here. Every statement of a batch must
    belong to one of the --courses and pass the relay's checks, or the whole batch is refused (400).
    The LRS credentials come from $COURSEPACK_LRS_KEY and $COURSEPACK_LRS_SECRET, or a credentials
    file; they are never printed. Logs are JSON lines on stderr.
    """
    try:
        # the relay's modules load only when it starts (start-up of the other commands)
        import uvicorn
    except ImportError:
        _fail("the relay needs uvicorn: pip install 'coursepack[relay]'", 1)

    # the relay's modules load only when it starts (start-up of the other commands)
    from builder.sources.xapi import url_problem
    from builder.xapi.lrs import load_credentials
    from builder.xapi.relay.allowlist import load_allowlist
    from builder.xapi.relay.app import RelayApp, Settings, log, setup_logging
    from builder.xapi.relay.forward import Forwarder
    from builder.xapi.relay.ratelimit import RateLimiter
    from builder.xapi.relay.rules import Checker, Limits

    if bool(tls_cert) != bool(tls_key):
        _fail("give both --tls-cert and --tls-key, or neither", 2)
    warnings = []
    try:
        creds = load_credentials(lrs, credentials, warn=warnings.append)
        allow = load_allowlist(courses, homepages, warn=warnings.append)
        for origin in origins:
            problem = url_problem(origin, allow_query=False)
            if problem or origin.rstrip("/").count("/") > 2:
                raise CoursepackError(f"--allow-origin '{origin}' is not an origin (scheme://host[:port])")
    except CoursepackError as exc:
        for warning in warnings:
            click.echo(warning, err=True)
        _fail(str(exc), 2)
    setup_logging()  # only now: a usage error above is a plain 'error:' line
    for warning in warnings:
        log.warning("", extra={"fields": {"event": "warning", "message": warning.replace("warning: ", "", 1)}})

    limits = Limits(
        max_body=max_body, max_batch=max_batch, max_string=max_string, max_age=max_age, max_future=max_future
    )
    allowed_origins = sorted({o.rstrip("/").lower() for o in origins} | allow.origins())
    forwarder = Forwarder(creds, timeout=lrs_timeout, connections=lrs_connections)
    app = RelayApp(
        Checker(allow, limits),
        forwarder,
        RateLimiter(rate, burst) if rate > 0 else None,
        Settings(origins=allowed_origins, history=history),
    )
    log.info(
        "",
        extra={
            "fields": {
                "event": "start",
                "lrs": forwarder.where,
                "credentials_from": creds.source if creds.source == "the environment" else "a file",
                **allow.summary(),
                "origins": allowed_origins,
                "limits": {
                    "max_body": max_body,
                    "max_batch": max_batch,
                    "max_string": max_string,
                    "max_age": max_age,
                    "max_future": max_future,
                    "rate": rate,
                    "burst": burst,
                },
                "history": history,
            }
        },
    )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        proxy_headers=bool(proxies),
        forwarded_allow_ips=list(proxies) or None,
        server_header=False,
        limit_concurrency=max_connections,
        timeout_keep_alive=15,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
    )
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        sys.exit(1)
