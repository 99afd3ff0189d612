"""Before the suite runs: PostgreSQL and Redis must answer. Each failure is one line saying how to fix it."""

import os
import sys

import psycopg
import redis

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/1"
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    broker_url = os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    problems = []
    if not database_url.startswith(("postgres://", "postgresql://")):
        scheme = database_url.split(":")[0]
        problems.append(f"Tests need PostgreSQL, but DATABASE_URL is {scheme}: unset it or point it at PostgreSQL.")
    else:
        try:
            psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
        except psycopg.Error as error:
            reason = str(error).strip().splitlines()[0]
            problems.append(
                f"PostgreSQL is not reachable at {database_url} ({reason}); start it with: {START_POSTGRES}"
            )
    try:
        redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        problems.append(f"Redis is not reachable at {broker_url} ({error}); start it with: {START_REDIS}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
