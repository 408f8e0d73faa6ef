"""The demo world behind ``manage.py seed_demo``.

Two provinces, two amphoes each, a few tambons; committees at every tier;
officers; 32 Thai products with stories, certificates and drawn photos. The
current fiscal year's round is open with nominations at every step below the
centre. The centre ranks a round once (approving its ranking closes the
central tier of that round), so the awarded and published products come from
the previous fiscal year's round, played to the end and closed.

Everything is written through the services by the demo's own central staff,
officers and committee members, from fixed data and seeded randomness: two
builds on the same day give the same world.

``data`` holds the world, ``photos`` draws the product photos; ``build``
makes its people and products and ``rounds`` plays its rounds, ``remove``
takes it away, ``describe`` and ``status`` tell what is there, and ``world``
gathers what ``seed_demo`` calls.
"""
