"""Domain library of the hotspot patrol map: reading, aggregating and mapping hotspot data.

Nothing here imports streamlit: pages call geo, geo never calls back.
"""
