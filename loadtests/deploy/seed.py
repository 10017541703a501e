"""
The order history that makes the table big: ``LINES`` order lines (four per order) of one archive
customer, written by ``INSERT ... SELECT generate_series`` in one statement per table.

Seeded once and kept: the demo leaves the table as the shop's migrations say after each run.
"""

import time

import psycopg

USERNAME = "deploy-demo-archive"
LINES = 1_000_000
LINES_PER_ORDER = 4

CREATE_CUSTOMER = """
INSERT INTO auth_user (username, password, is_superuser, is_staff, is_active, first_name,
                       last_name, email, date_joined)
VALUES (%s, '!', false, false, false, '', '', '', now())
ON CONFLICT (username) DO NOTHING
"""
ORDERS = """
INSERT INTO cart_order (number, user_id, checkout_token, status, email, full_name, address, city,
                        postal_code, country, total, created_at)
SELECT gen_random_uuid(), %(user)s, gen_random_uuid(), 'shipped', 'archive@example.com',
       'Archive Customer', n || ' Old Street', 'Lyon', '69001', 'France', 0,
       now() - interval '3 years' + n * interval '1 minute'
  FROM generate_series(1, %(orders)s) AS n
"""
LINES_SQL = """
WITH variant AS (
    SELECT row_number() OVER (ORDER BY v.id) - 1 AS n, v.id, v.name, v.sku, v.price,
           p.name AS product_name
      FROM catalog_productvariant v JOIN catalog_product p ON p.id = v.product_id
)
INSERT INTO cart_orderline (order_id, variant_id, product_name, variant_name, sku, unit_price,
                            quantity)
SELECT o.id, v.id, v.product_name, v.name, v.sku, v.price, 1 + (o.id + k) %% 3
  FROM cart_order o
 CROSS JOIN generate_series(0, %(per_order)s - 1) AS k
  JOIN variant v ON v.n = (o.id * 7 + k * 13) %% %(variants)s
 WHERE o.user_id = %(user)s
"""


def archive_lines(connection: psycopg.Connection) -> int:
    return connection.execute(
        "SELECT count(*) FROM cart_orderline l JOIN cart_order o ON o.id = l.order_id "
        "JOIN auth_user u ON u.id = o.user_id WHERE u.username = %s",
        [USERNAME],
    ).fetchone()[0]


def seed(connection: psycopg.Connection, *, lines: int = LINES) -> float | None:
    """Seed the archive unless it holds ``lines`` already; return the seconds it took, or None."""
    if archive_lines(connection) >= lines:
        return None
    started = time.monotonic()
    with connection.transaction():
        connection.execute(CREATE_CUSTOMER, [USERNAME])
        (user,) = connection.execute(
            "SELECT id FROM auth_user WHERE username = %s", [USERNAME]
        ).fetchone()
        connection.execute(
            "DELETE FROM cart_orderline WHERE order_id IN "
            "(SELECT id FROM cart_order WHERE user_id = %s)",
            [user],
        )
        connection.execute("DELETE FROM cart_order WHERE user_id = %s", [user])
        (variants,) = connection.execute("SELECT count(*) FROM catalog_productvariant").fetchone()
        connection.execute(ORDERS, {"user": user, "orders": lines // LINES_PER_ORDER})
        connection.execute(
            LINES_SQL, {"user": user, "per_order": LINES_PER_ORDER, "variants": variants}
        )
    connection.execute("VACUUM ANALYZE cart_order")
    connection.execute("VACUUM ANALYZE cart_orderline")
    return time.monotonic() - started
