"""The order service, simulated: placed -> paid -> dispatched -> (delayed) -> delivered/cancelled.

Durations are "demo minutes": the real proportions (payment in seconds, kitchen
and ride in minutes), compressed so that a demo shows whole lifecycles in a few
minutes. A delivery estimate is 5 to 8 minutes after placing.
"""

from __future__ import annotations

from collections.abc import Callable

from bridge.demo.sim import catalog
from bridge.demo.sim.customers import CustomerPool
from bridge.demo.sim.kernel import SimKernel
from bridge.demo.sim.model import Order

SOURCE = "/atp/orders"
OrderListener = Callable[[Order, str], None]  # (order, the event type's last word)

ABANDON_SHARE = 0.04  # cancelled by the customer before paying
OUT_OF_STOCK_SHARE = 0.03  # cancelled by the store instead of dispatched
DELAY_SHARE = 0.25
LOST_AFTER_DELAY_SHARE = 0.1  # cancelled by support after a delay
FLAT_SHARE = 0.4  # addresses with an apartment number
PAYMENT_METHODS = ("card", "yape", "plin", "cash")
PAYMENT_WEIGHTS = (35, 35, 15, 15)


class OrderFlow:
    """Places orders at a steady average rate and drives each one through its lifecycle."""

    def __init__(
        self,
        kernel: SimKernel,
        customers: CustomerPool,
        orders_per_second: float,
        on_change: OrderListener,
    ) -> None:
        self._kernel = kernel
        self._customers = customers
        self._rate = orders_per_second
        self._on_change = on_change

    def start(self) -> None:
        """Schedule the first arrival."""
        self._kernel.after(self._kernel.rng.expovariate(self._rate), self._arrive)

    def _arrive(self) -> None:
        self._place()
        self._kernel.after(self._kernel.rng.expovariate(self._rate), self._arrive)

    def _emit(self, order: Order, change: str, data: dict[str, object]) -> None:
        self._kernel.emit(
            "orders",
            type=f"atp.order.{change}",
            subject=order.id,
            source=SOURCE,
            data={"order_id": order.id, **data},
        )
        self._on_change(order, change)

    def _place(self) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        products = rng.sample(catalog.PRODUCTS, rng.randint(1, 4))
        items = [(product, rng.choices((1, 2, 3), (70, 22, 8))[0]) for product in products]
        customer = self._customers.next_customer()
        order = Order(
            id=kernel.ids.entity_id("o"),
            customer=customer,
            items=items,
            district=rng.choice(catalog.DISTRICTS),
            total_cents=sum(product.unit_price_cents * qty for product, qty in items),
            eta_s=kernel.now + rng.uniform(300, 480),
        )
        address = f"{rng.choice(catalog.STREETS)} {rng.randint(100, 3999)}"
        if rng.random() < FLAT_SHARE:
            address += f", dpto. {rng.randint(1, 20)}0{rng.randint(1, 4)}"
        self._emit(
            order,
            "placed",
            {
                "customer": {"id": customer.id, "name": customer.name, "phone": customer.phone},
                "items": [
                    {
                        "sku": product.sku,
                        "name": product.name,
                        "qty": qty,
                        "unit_price_cents": product.unit_price_cents,
                    }
                    for product, qty in items
                ],
                "total_cents": order.total_cents,
                "currency": catalog.CURRENCY,
                "delivery": {"address": address, "district": order.district, "city": catalog.CITY},
                "eta": kernel.timestamp(order.eta_s - kernel.now),
            },
        )
        if rng.random() < ABANDON_SHARE:
            kernel.after(rng.uniform(20, 90), lambda: self._cancel(order, "customer"))
        else:
            kernel.after(rng.uniform(3, 30), lambda: self._pay(order))

    def _pay(self, order: Order) -> None:
        rng = self._kernel.rng
        method = rng.choices(PAYMENT_METHODS, PAYMENT_WEIGHTS)[0]
        self._emit(order, "paid", {"method": method, "amount_cents": order.total_cents})
        if rng.random() < OUT_OF_STOCK_SHARE:
            self._kernel.after(rng.uniform(40, 120), lambda: self._cancel(order, "store"))
        else:
            self._kernel.after(rng.uniform(60, 180), lambda: self._dispatch(order))

    def _dispatch(self, order: Order) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        courier = rng.choice(catalog.COURIERS)
        order.eta_s = max(order.eta_s, kernel.now + rng.uniform(120, 240))
        self._emit(
            order,
            "dispatched",
            {
                "courier": {"id": courier.id, "name": courier.name},
                "eta": kernel.timestamp(order.eta_s - kernel.now),
            },
        )
        if rng.random() < DELAY_SHARE:
            kernel.after(
                rng.uniform(40, 0.8 * (order.eta_s - kernel.now)), lambda: self._delay(order)
            )
        else:
            kernel.after(
                order.eta_s - kernel.now + rng.uniform(-60, 45), lambda: self._deliver(order)
            )

    def _delay(self, order: Order) -> None:
        kernel, rng = self._kernel, self._kernel.rng
        order.eta_s += rng.uniform(150, 420)
        self._emit(
            order,
            "delayed",
            {
                "reason": rng.choice(catalog.DELAY_REASONS),
                "eta": kernel.timestamp(order.eta_s - kernel.now),
            },
        )
        if rng.random() < LOST_AFTER_DELAY_SHARE:
            kernel.after(rng.uniform(60, 240), lambda: self._cancel(order, "support"))
        else:
            kernel.after(
                order.eta_s - kernel.now + rng.uniform(-30, 90), lambda: self._deliver(order)
            )

    def _deliver(self, order: Order) -> None:
        order.finished = True
        self._emit(order, "delivered", {"delivered_at": self._kernel.timestamp()})

    def _cancel(self, order: Order, by: str) -> None:
        rng = self._kernel.rng
        reasons = {
            "customer": catalog.CUSTOMER_CANCEL_REASONS,
            "store": catalog.STORE_CANCEL_REASONS,
            "support": catalog.SUPPORT_CANCEL_REASONS,
        }[by]
        order.finished = True
        self._emit(order, "cancelled", {"reason": rng.choice(reasons), "by": by})
