#!/bin/sh
# Entry point of the clinic image (see the Dockerfile at the repository root).
#
#   identity | booking | shifts | notify | reporting [ARGS...]   python -m <service> [ARGS...]
#                                  (serves; `identity create-admin --email E`, `reporting rebuild`
#                                  and the other commands of a service pass through)
#   gateway                        python -m gateway
#   migrate [SERVICE...]           python -m <service> migrate, for each service named (default:
#                                  all five, in order), each as its own database role
#   provision                      database, roles and schemas from DATABASE_URL (a superuser)
#                                  and the <SVC>_DATABASE_URL of each service; the first identity
#                                  signing key in IDENTITY_KEYS_DIR if there is none (provision.py)
#   healthcheck [URL]              exit 0 if URL (default: this process's /readyz) answers 2xx
#   anything else                  run as given (e.g. `python -c ...`, `sh`)
set -eu

SERVICES="identity booking shifts notify reporting"

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
}

command="${1:-help}"
case "$command" in
    identity | booking | shifts | notify | reporting)
        shift
        exec python -m "$command" "$@"
        ;;
    gateway)
        shift
        exec python -m gateway "$@"
        ;;
    migrate)
        shift
        if [ "$#" -eq 0 ]; then
            set -- $SERVICES
        fi
        for service in "$@"; do
            case " $SERVICES " in
                *" $service "*) ;;
                *)
                    echo "migrate: unknown service '$service' (one of: $SERVICES)" >&2
                    exit 2
                    ;;
            esac
            echo "migrating $service"
            python -m "$service" migrate
        done
        ;;
    provision)
        shift
        exec python /app/provision.py "$@"
        ;;
    healthcheck)
        shift
        exec python /app/healthcheck.py "$@"
        ;;
    help | -h | --help)
        usage
        ;;
    *)
        exec "$@"
        ;;
esac
