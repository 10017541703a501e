"""
The words a believable demo catalog is made of: its category tree, brands, and for each kind of
product the nouns, variant attributes, price range and picture that suit it.

The factories draw from these lists, so a product seeded for the demo and one created in a test read
alike ("Harbour Linen Shirt" in Shirts, sizes XS-XL, 29.95) rather than "Product 17".
"""

from dataclasses import dataclass, field

APPAREL_SIZES = ("XS", "S", "M", "L", "XL")
SHOE_SIZES = ("38", "39", "40", "41", "42", "43", "44", "45")

#: Colour names shoppers pick from, with the RGB the generated product pictures are drawn in.
COLOURS = {
    "Black": (38, 38, 42),
    "Navy": (36, 58, 110),
    "Forest": (46, 104, 70),
    "Rust": (176, 82, 44),
    "Sand": (204, 178, 130),
    "Sky": (92, 154, 214),
    "Berry": (150, 44, 86),
    "Stone": (140, 140, 132),
}

BRANDS = (
    "Northwind",
    "Fjellvik",
    "Harbour & Co",
    "Lumen",
    "Oakline",
    "Tidewater",
    "Alder",
    "Kestrel",
    "Marlow",
    "Brightfield",
    "Cobalt Works",
    "Juniper",
)

ADJECTIVES = (
    "Classic",
    "Everyday",
    "Heritage",
    "Lightweight",
    "Essential",
    "Trail",
    "Urban",
    "Coastal",
    "Alpine",
    "Weekend",
    "Studio",
    "Organic",
    "Ridge",
    "Harbour",
    "Nordic",
    "Summit",
)

FEATURES = (
    "It is built to last, with reinforced seams where wear comes first.",
    "A relaxed fit that works just as well on the weekend as in the office.",
    "Made in a small family-run workshop that has done one thing well for decades.",
    "Tested outdoors through a full season before it reached the shop.",
    "Packs down small, so it travels without taking over your bag.",
    "Finished by hand and checked twice before it leaves the workshop.",
    "Designed to be repaired rather than replaced: spare parts are available.",
    "Soft from the first day and better with every wash.",
    "Its colours are fast-dyed, so they stay bright wash after wash.",
    "Responsibly sourced materials, traceable back to the mill.",
)

CARE = (
    "Machine wash at 30 degrees.",
    "Wipe clean with a damp cloth.",
    "Hand wash only; dry flat.",
    "Dishwasher safe.",
    "Store dry and out of direct sunlight.",
)


@dataclass(frozen=True)
class Kind:
    """What a leaf category sells: how its products are named, varied, priced and pictured."""

    nouns: tuple[str, ...]
    materials: tuple[str, ...]
    axes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    price_range: tuple[int, int] = (10, 120)
    #: The silhouette drawn in generated pictures (see catalog/demo_images.py).
    shape: str = "box"


def _apparel(nouns, materials, price_range, shape="shirt"):
    return Kind(
        nouns, materials, {"size": APPAREL_SIZES, "colour": tuple(COLOURS)}, price_range, shape
    )


#: The category tree: top level, then second level, then (where there is one) a third level.
#: Each leaf maps to the Kind of products it sells.
TREE = {
    "Clothing": {
        "Men": {
            "Shirts": _apparel(
                ("Oxford Shirt", "Shirt", "Overshirt", "Polo"),
                ("Linen", "Cotton", "Flannel"),
                (25, 90),
            ),
            "Jackets": _apparel(
                ("Jacket", "Parka", "Gilet", "Rain Shell"),
                ("Waxed", "Down", "Softshell"),
                (80, 320),
                "coat",
            ),
            "Trousers": _apparel(
                ("Chinos", "Trousers", "Cargo Pants", "Joggers"),
                ("Cotton", "Corduroy", "Twill"),
                (35, 120),
                "trousers",
            ),
        },
        "Women": {
            "Dresses": _apparel(
                ("Wrap Dress", "Shirt Dress", "Midi Dress", "Slip Dress"),
                ("Linen", "Silk", "Jersey"),
                (45, 180),
                "dress",
            ),
            "Tops": _apparel(
                ("Tee", "Blouse", "Tank Top", "Sweatshirt"), ("Cotton", "Merino", "Modal"), (18, 75)
            ),
            "Coats": _apparel(
                ("Coat", "Trench Coat", "Puffer", "Cape"),
                ("Wool", "Down", "Cotton"),
                (95, 360),
                "coat",
            ),
        },
    },
    "Footwear": {
        "Running Shoes": Kind(
            ("Runner", "Trail Runner", "Racer", "Trainer"),
            ("Mesh", "Knit"),
            {"size": SHOE_SIZES, "colour": tuple(COLOURS)},
            (60, 180),
            "shoe",
        ),
        "Boots": Kind(
            ("Boot", "Chelsea Boot", "Hiking Boot", "Work Boot"),
            ("Leather", "Suede", "Waxed"),
            {"size": SHOE_SIZES, "colour": ("Black", "Rust", "Sand", "Stone")},
            (90, 260),
            "shoe",
        ),
        "Sandals": Kind(
            ("Sandal", "Slide", "Trek Sandal"),
            ("Cork", "Leather", "Rubber"),
            {"size": SHOE_SIZES, "colour": tuple(COLOURS)},
            (25, 90),
            "shoe",
        ),
    },
    "Outdoor": {
        "Camping": {
            "Tents": Kind(
                ("Tent", "Tunnel Tent", "Dome Tent", "Bivvy"),
                ("Ripstop", "Canvas"),
                {"capacity": ("1 person", "2 person", "3 person", "4 person")},
                (90, 520),
                "tent",
            ),
            "Sleeping Bags": Kind(
                ("Sleeping Bag", "Quilt", "Liner"),
                ("Down", "Synthetic"),
                {"length": ("Regular", "Long"), "colour": ("Forest", "Rust", "Navy")},
                (40, 300),
                "bag",
            ),
        },
        "Cycling": {
            "Helmets": Kind(
                ("Helmet", "Road Helmet", "Commuter Helmet"),
                ("Aero", "MIPS"),
                {"size": ("S", "M", "L"), "colour": tuple(COLOURS)},
                (45, 220),
                "helmet",
            ),
            "Bike Lights": Kind(
                ("Front Light", "Rear Light", "Light Set"),
                ("USB", "Dynamo"),
                {"colour": ("Black", "Stone")},
                (15, 95),
                "lamp",
            ),
        },
    },
    "Home & Kitchen": {
        "Cookware": Kind(
            ("Skillet", "Saucepan", "Dutch Oven", "Wok"),
            ("Cast Iron", "Copper", "Steel"),
            {"diameter": ("20 cm", "24 cm", "28 cm")},
            (30, 240),
            "pan",
        ),
        "Mugs & Cups": Kind(
            ("Mug", "Cup", "Travel Mug", "Tumbler"),
            ("Stoneware", "Enamel", "Porcelain"),
            {"colour": tuple(COLOURS)},
            (8, 40),
            "mug",
        ),
        "Bedding": Kind(
            ("Duvet Cover", "Pillowcase Set", "Throw", "Blanket"),
            ("Linen", "Percale", "Wool"),
            {"size": ("Single", "Double", "King"), "colour": ("Sand", "Stone", "Sky", "Forest")},
            (30, 190),
            "box",
        ),
    },
    "Accessories": {
        "Bags": Kind(
            ("Backpack", "Tote", "Duffel", "Messenger Bag"),
            ("Canvas", "Leather", "Nylon"),
            {"colour": tuple(COLOURS)},
            (35, 240),
            "bag",
        ),
        "Hats": Kind(
            ("Beanie", "Cap", "Bucket Hat", "Sun Hat"),
            ("Merino", "Cotton", "Straw"),
            {"colour": tuple(COLOURS)},
            (15, 60),
            "helmet",
        ),
        "Scarves": Kind(
            ("Scarf", "Snood", "Bandana"),
            ("Wool", "Cashmere", "Silk"),
            {"colour": tuple(COLOURS)},
            (20, 140),
            "box",
        ),
    },
}

#: For products in categories outside the demo tree (for instance those a test makes).
GENERIC_KIND = Kind(("Gift Set", "Bundle", "Kit"), ("Everyday",), {"colour": tuple(COLOURS)})


def leaves(tree: dict = TREE) -> dict[str, Kind]:
    """Every leaf category name of ``tree`` with its Kind, in tree order."""
    found = {}
    for name, node in tree.items():
        found.update(leaves(node) if isinstance(node, dict) else {name: node})
    return found


KIND_BY_CATEGORY = leaves()


def kind_of(category_name: str) -> Kind:
    return KIND_BY_CATEGORY.get(category_name, GENERIC_KIND)
