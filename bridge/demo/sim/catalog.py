"""What the simulated world is made of: Peruvian names, Lima districts, products, Spanish texts.

Plain constant data, no logic. Prices are integer cents of PEN (soles).
"""

from __future__ import annotations

from typing import Final, NamedTuple

CURRENCY: Final = "PEN"
CITY: Final = "Lima"


class Product(NamedTuple):
    """One product a customer can order."""

    sku: str
    name: str
    unit_price_cents: int


class Person(NamedTuple):
    """A courier or a support agent: a stable id and a display name."""

    id: str
    name: str


FIRST_NAMES: Final = (
    "Rosa", "María", "Carmen", "Lucía", "Milagros", "Flor", "Jessica", "Patricia", "Sofía",
    "Valeria", "Camila", "Yesenia", "Gladys", "Katherine", "José", "Luis", "Carlos", "Jorge",
    "Juan", "Miguel", "Renzo", "Diego", "Piero", "César", "Víctor", "Jhon", "Ángel", "Fernando",
    "Wilmer", "Edwin",
)  # fmt: skip

SURNAMES: Final = (
    "Quispe", "Mamani", "Huamán", "Flores", "Rojas", "García", "Sánchez", "Ramírez", "Torres",
    "Chávez", "Mendoza", "Vargas", "Castillo", "Gutiérrez", "Salazar", "Paredes", "Condori",
    "Cárdenas", "Ccori", "Espinoza", "Vásquez", "Díaz", "Ríos", "Palomino", "Cueva", "Ñahui",
)  # fmt: skip

DISTRICTS: Final = (
    "Miraflores", "San Isidro", "Barranco", "Santiago de Surco", "San Borja", "Lince",
    "Jesús María", "Pueblo Libre", "Magdalena del Mar", "San Miguel", "Los Olivos",
    "San Juan de Lurigancho", "La Molina", "Surquillo", "Chorrillos", "Breña", "Cercado de Lima",
    "La Victoria", "Rímac", "Comas",
)  # fmt: skip

STREETS: Final = (
    "Av. Arequipa", "Av. Javier Prado Este", "Av. Larco", "Jr. de la Unión", "Av. Brasil",
    "Av. La Marina", "Calle Schell", "Av. Benavides", "Av. Angamos Oeste", "Av. Universitaria",
    "Av. Salaverry", "Av. Petit Thouars", "Calle Berlín", "Jr. Huallaga", "Av. Túpac Amaru",
    "Av. Primavera", "Av. Del Ejército", "Jr. Ica",
)  # fmt: skip

PRODUCTS: Final = (
    Product("pollo-1-4", "1/4 de pollo a la brasa con papas", 1890),
    Product("pollo-entero", "Pollo a la brasa entero", 6490),
    Product("ceviche-clasico", "Ceviche clásico", 3500),
    Product("lomo-saltado", "Lomo saltado", 3290),
    Product("aji-gallina", "Ají de gallina", 2590),
    Product("causa-limena", "Causa limeña", 1890),
    Product("arroz-chaufa", "Arroz chaufa de pollo", 2290),
    Product("anticuchos-3", "Anticuchos (3 palitos)", 1990),
    Product("papa-huancaina", "Papa a la huancaína", 1590),
    Product("tallarines-verdes", "Tallarines verdes con bistec", 2790),
    Product("suspiro-limena", "Suspiro a la limeña", 1200),
    Product("picarones-6", "Picarones (6 unidades)", 1400),
    Product("chicha-1l", "Chicha morada 1 L", 900),
    Product("inca-kola-15", "Inca Kola 1.5 L", 750),
    Product("pan-frances-10", "Pan francés (10 unidades)", 500),
    Product("cafe-250", "Café de Chanchamayo 250 g", 2450),
)

COURIERS: Final = (
    Person("k-101", "Luis Huamán"),
    Person("k-102", "Wilmer Condori"),
    Person("k-103", "Jhon Paredes"),
    Person("k-104", "Edwin Ríos"),
    Person("k-105", "Katherine Salazar"),
    Person("k-106", "Renzo Cueva"),
)

AGENTS: Final = (
    Person("sim-ana", "Ana Torres"),
    Person("sim-bruno", "Bruno Vargas"),
    Person("sim-claudia", "Claudia Mendoza"),
    Person("sim-diego", "Diego Castillo"),
    Person("sim-elena", "Elena Gutiérrez"),
    Person("sim-fabio", "Fabio Rojas"),
    Person("sim-gaby", "Gabriela Díaz"),
    Person("sim-hugo", "Hugo Palomino"),
)
SUPERVISOR: Final = Person("sim-supervisora", "Carmen Villanueva")

QUEUES: Final = ("deliveries", "payments", "general")
TAGS: Final = (
    "reembolso",
    "demora",
    "cliente frecuente",
    "pago duplicado",
    "VIP",
    "producto equivocado",
)
"""Tags virtual agents put on the tickets they work (contract 1.1)."""

DELAY_REASONS: Final = (
    "Tráfico intenso en la Vía Expresa",
    "Lluvia y pistas congestionadas",
    "El motorizado tuvo un desperfecto",
    "Alta demanda en el local",
    "Desvío por obras en la avenida",
)
CUSTOMER_CANCEL_REASONS: Final = ("El cliente cambió de opinión", "Pedido duplicado por error")
STORE_CANCEL_REASONS: Final = ("Producto sin stock", "El local cerró antes de tiempo")
SUPPORT_CANCEL_REASONS: Final = ("Pedido extraviado en ruta", "El motorizado no ubicó la dirección")

# ------------------------------------------------------------------ ticket texts
# Placeholders: {order_id}, {district}, {total}, {item}.
LATE_ORDER: Final = (
    ("Mi pedido está demorando", "Hola, mi pedido {order_id} ya debía llegar a {district} y nada."),
    ("¿Dónde está mi pedido?", "Pedí hace rato y el motorizado no aparece. Pedido {order_id}."),
    ("Pedido atrasado", "Ya pasó la hora estimada de entrega. ¿Me pueden decir qué pasó?"),
)  # fmt: skip
WRONG_ORDER: Final = (
    ("Me llegó otro producto", "Pedí {item} y me llegó otra cosa. Pedido {order_id}."),
    ("Pedido incompleto", "Faltó {item} en mi pedido {order_id}. Por favor revisen."),
    ("Producto en mal estado", "El {item} llegó frío y derramado. Quiero una solución."),
)  # fmt: skip
CANCELLED_ORDER: Final = (
    ("¿Por qué cancelaron mi pedido?", "Me cancelaron el pedido {order_id} y no me avisaron."),
    ("Reembolso de pedido cancelado", "Ya me cobraron {total} y cancelaron. ¿Cuándo me devuelven?"),
)  # fmt: skip
PAYMENT_PROBLEM: Final = (
    ("Me cobraron dos veces", "Tengo dos cargos de {total} por el pedido {order_id}."),
    ("Pago con Yape no reconocido", "Pagué {total} con Yape y la app dice que está pendiente."),
)  # fmt: skip
APP_PROBLEM: Final = (
    ("La app se cierra al pagar", "Cada vez que le doy a pagar, la app se cierra sola."),
    ("No me llega el código SMS", "Quiero iniciar sesión pero no me llega el código a mi celular."),
    ("No puedo cambiar mi dirección", "La app no guarda mi nueva dirección en {district}."),
)  # fmt: skip

CUSTOMER_FOLLOW_UPS: Final = (
    "¿Hola? ¿Alguien me puede ayudar?",
    "Sigo esperando una respuesta, por favor.",
    "¿Me pueden atender? Ya pasó bastante rato.",
)
CUSTOMER_REPLIES: Final = (
    "Gracias, quedo atento.",
    "Ok, muchas gracias por la ayuda.",
    "Ya me llegó, gracias.",
    "Listo, pero que no vuelva a pasar por favor.",
    "Perfecto, espero el reembolso entonces.",
)
AGENT_REPLIES: Final = (
    "Hola, soy {agent} de A tu Puerta. Ya revisé tu pedido y te ayudo enseguida.",
    "Disculpa las molestias. Estoy coordinando con el local y el motorizado.",
    "Ya registramos el reembolso de {total}; se verá en 3 a 5 días útiles.",
    "Te confirmo que el motorizado está a pocas cuadras. ¡Gracias por tu paciencia!",
    "Te enviamos un cupón de S/ 10.00 por la demora. ¿Te puedo ayudar en algo más?",
)
INTERNAL_NOTES: Final = (
    "Llamé al local: el pedido salió tarde de cocina.",
    "Cliente frecuente, aplicar cupón de compensación.",
    "Revisar con pagos: posible doble cargo en la pasarela.",
    "El motorizado confirma tráfico en la zona.",
    "Escalar si vuelve a escribir.",
)
RELEASE_NOTES: Final = (
    "Libero el ticket: salgo a refrigerio.",
    "Lo libero, necesita a alguien de pagos.",
)
