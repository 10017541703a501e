"""
The shopper mix's command-line options, added to Locust's (each also an environment variable).

Importing this module registers them: a locustfile that imports it gets them too.
"""

from locust import events

from loadtests.mix import DEFAULT_MIX


@events.init_command_line_parser.add_listener
def add_arguments(parser) -> None:
    parser.add_argument(
        "--mix",
        env_var="LOCUST_MIX",
        default=DEFAULT_MIX,
        help="Task weights, name=weight,... (default: %(default)s)",
    )
    parser.add_argument(
        "--wait-min",
        env_var="LOCUST_WAIT_MIN",
        type=float,
        default=1.0,
        help="Shortest think time between pages, in seconds",
    )
    parser.add_argument(
        "--wait-max",
        env_var="LOCUST_WAIT_MAX",
        type=float,
        default=5.0,
        help="Longest think time between pages, in seconds",
    )
    parser.add_argument(
        "--shop-users",
        env_var="LOCUST_SHOP_USERS",
        type=int,
        default=0,
        help="How many accounts <prefix>0..N-1 exist to log in with; 0 signs up",
    )
    parser.add_argument(
        "--shop-user-prefix",
        env_var="LOCUST_SHOP_USER_PREFIX",
        default="shopper-",
        help="Username prefix of those accounts",
    )
    parser.add_argument(
        "--shop-password",
        env_var="LOCUST_SHOP_PASSWORD",
        default="",
        is_secret=True,
        help="Their password",
    )
    parser.add_argument(
        "--samples-csv",
        env_var="LOCUST_SAMPLES_CSV",
        default="",
        include_in_web_ui=False,
        help="Record every request (time, name, ms, failed, reads, cache) here",
    )
