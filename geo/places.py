"""Real Derbyshire places that the generated sample dataset is built around (plain data, no logic).

The crimes and patrols of the sample are invented; the places are not, so that the map looks like
Derbyshire. Hotspot centres are real town-centre and estate locations (WGS84 lon/lat, 4 decimals),
each checked by hand to fall in an electoral ward (2013) of its own town's district, with nearby
street names. `TOWNS` are the towns and villages that background crime clusters around, with the
district whose name their LSOAs take; `OUTLINE` is a rough hand-written outline of the force area
(Derby and the eight Derbyshire districts) that bounds every background snap point.
"""

from __future__ import annotations

from typing import NamedTuple


class HotspotPlace(NamedTuple):
    """One hotspot: where it is, what kind of place, the shape to draw and its streets."""

    hotspot_id: str
    name: str
    town: str
    lon: float
    lat: float
    kind: str  # "centre" (town centre, night-time economy, shops) or "estate" (housing)
    shape: str  # "rect", "rotated", "irregular" or "multi" (two parts either side of a road)
    streets: tuple[str, ...]


class Town(NamedTuple):
    """A town or village that background crime clusters around; size 3 city, 2 town, 1 small."""

    name: str
    district: str
    lon: float
    lat: float
    size: int


# Ward each centre falls in (WD13NM, checked by hand) is given in the comment.
HOTSPOTS: tuple[HotspotPlace, ...] = (
    HotspotPlace(  # St Leonard's
        "HS-CHE-01", "Chesterfield Market Place", "Chesterfield", -1.4262, 53.2355, "centre",
        "rotated", ("Market Place", "Low Pavement", "High Street", "Packers Row", "Shopping Area",
                    "Cavendish Street", "Parking Area"),
    ),
    HotspotPlace(  # St Leonard's
        "HS-CHE-02", "Chesterfield Station", "Chesterfield", -1.4200, 53.2381, "centre",
        "rect", ("Corporation Street", "Malkin Street", "Hollis Lane", "Parking Area",
                 "Petrol Station"),
    ),
    HotspotPlace(  # Loundsley Green
        "HS-CHE-03", "Chesterfield Holme Hall", "Chesterfield", -1.4700, 53.2450, "estate",
        "irregular", ("Hanbury Close", "Rednall Close", "Supermarket", "Shopping Area"),
    ),
    HotspotPlace(  # Rother
        "HS-CHE-04", "Chesterfield Boythorpe", "Chesterfield", -1.4390, 53.2270, "estate",
        "rotated", ("Foolow Avenue", "Grindlow Avenue", "Branton Close", "Boythorpe Road"),
    ),
    HotspotPlace(  # Heanor West
        "HS-HEA-01", "Heanor Market Place", "Heanor", -1.3537, 53.0137, "centre",
        "rect", ("Market Place", "Market Street", "Mundy Street", "Parking Area", "High Street"),
    ),
    HotspotPlace(  # Heanor and Loscoe
        "HS-HEA-02", "Heanor Loscoe Road", "Heanor", -1.3620, 53.0182, "estate",
        "rotated", ("Loscoe Road", "Watkinson Street", "Burns Street", "Supermarket"),
    ),
    HotspotPlace(  # Heanor West
        "HS-HEA-03", "Heanor Derby Road", "Heanor", -1.3625, 53.0128, "estate",
        "irregular", ("Derby Road", "Eames Close", "Supermarket", "Parking Area"),
    ),
    HotspotPlace(  # Shirebrook North West
        "HS-SHI-01", "Shirebrook Market Square", "Shirebrook", -1.2186, 53.2046, "centre",
        "rect", ("Market Square", "Main Street", "Patchwork Row", "Hardwick Avenue",
                 "Thoresby Avenue", "Parking Area"),
    ),
    HotspotPlace(  # Shirebrook Langwith
        "HS-SHI-02", "Shirebrook Model Village", "Shirebrook", -1.2090, 53.2080, "estate",
        "irregular", ("Langwith Road", "Model Village", "Sports/Recreation Area"),
    ),
    HotspotPlace(  # Shirebrook South West
        "HS-SHI-03", "Shirebrook Carter Lane", "Shirebrook", -1.2253, 53.2028, "estate",
        "rotated", ("Carter Lane West", "Hazel Crescent", "The Nook", "Hillsway"),
    ),
    HotspotPlace(  # Ilkeston Central
        "HS-ILK-01", "Ilkeston Market Place", "Ilkeston", -1.3090, 52.9710, "centre",
        "rect", ("Market Place", "Bath Street", "Coronation Street", "South Street",
                 "Parking Area"),
    ),
    HotspotPlace(  # Cotmanhay
        "HS-ILK-02", "Ilkeston Cotmanhay", "Ilkeston", -1.3050, 52.9870, "estate",
        "irregular", ("Fisher Court", "Nelson Street", "Raleigh Close", "Rodney Way"),
    ),
    HotspotPlace(  # Nottingham Road
        "HS-LEA-01", "Long Eaton Market Place", "Long Eaton", -1.2700, 52.8990, "centre",
        "rotated", ("Market Place", "Union Street", "Waverley Street", "Supermarket",
                    "Shopping Area"),
    ),
    HotspotPlace(  # Swadlincote
        "HS-SWA-01", "Swadlincote Delph", "Swadlincote", -1.5575, 52.7740, "centre",
        "rect", ("Market Street", "Civic Way", "The Delph", "Bus/Coach Station", "Parking Area"),
    ),
    HotspotPlace(  # Buxton Central
        "HS-BUX-01", "Buxton Market Place", "Buxton", -1.9110, 53.2570, "centre",
        "rect", ("Market Place", "Hardwick Square East", "Hardwick Square South",
                 "High Street", "Parking Area"),
    ),
    HotspotPlace(  # Buxton Central
        "HS-BUX-02", "Buxton Spring Gardens", "Buxton", -1.9075, 53.2598, "centre",
        "rotated", ("Spring Gardens", "Bridge Street", "Parking Area", "Shopping Area"),
    ),
    HotspotPlace(  # Howard Town
        "HS-GLO-01", "Glossop Norfolk Street", "Glossop", -1.9490, 53.4430, "centre",
        "rect", ("Norfolk Street", "High Street West", "Theatre/Concert Hall", "Nightclub",
                 "Shopping Area"),
    ),
    HotspotPlace(  # Gamesley
        "HS-GLO-02", "Glossop Gamesley", "Glossop", -1.9880, 53.4470, "estate",
        "irregular", ("Shelden Mews", "Monyash Mews", "Combs Mews", "Brassington Crescent"),
    ),
    HotspotPlace(  # Alfreton
        "HS-ALF-01", "Alfreton King Street", "Alfreton", -1.3830, 53.0970, "centre",
        "rotated", ("King Street", "John Street", "Raglan Street", "Supermarket"),
    ),
    HotspotPlace(  # Bolsover North West
        "HS-BOL-01", "Bolsover Market Place", "Bolsover", -1.2950, 53.2300, "centre",
        "rect", ("Market Place", "Castle Street", "Town End", "Parking Area"),
    ),
    HotspotPlace(  # Middlecroft and Poolsbrook
        "HS-STA-01", "Staveley High Street", "Staveley", -1.3500, 53.2680, "centre",
        "rotated", ("High Street", "Duke Street", "Rectory Road", "Porter Street"),
    ),
    HotspotPlace(  # Ripley
        "HS-RIP-01", "Ripley Market Place", "Ripley", -1.4050, 53.0500, "centre",
        "rect", ("Market Place", "Oxford Street", "High Street", "Nightclub", "Wellington Street"),
    ),
    HotspotPlace(  # Arboretum
        "HS-DER-01", "Derby Market Place", "Derby", -1.4770, 52.9230, "centre",
        "multi", ("Market Place", "Corporation Street", "Iron Gate", "Cornmarket", "Nightclub",
                  "Shopping Area"),
    ),
    HotspotPlace(  # Arboretum
        "HS-DER-02", "Derby Normanton Road", "Derby", -1.4800, 52.9100, "estate",
        "rotated", ("Normanton Road", "Cummings Street", "Co-Operative Street", "Society Place",
                    "Silver Hill Road"),
    ),
)

TOWNS: tuple[Town, ...] = (
    Town("Derby", "Derby", -1.4750, 52.9220, 3),
    Town("Chesterfield", "Chesterfield", -1.4250, 53.2350, 2),
    Town("Ilkeston", "Erewash", -1.3090, 52.9700, 2),
    Town("Long Eaton", "Erewash", -1.2710, 52.8980, 2),
    Town("Swadlincote", "South Derbyshire", -1.5570, 52.7740, 2),
    Town("Heanor", "Amber Valley", -1.3540, 53.0140, 2),
    Town("Ripley", "Amber Valley", -1.4060, 53.0500, 2),
    Town("Alfreton", "Amber Valley", -1.3830, 53.0970, 2),
    Town("Belper", "Amber Valley", -1.4810, 53.0240, 2),
    Town("Matlock", "Derbyshire Dales", -1.5550, 53.1380, 1),
    Town("Buxton", "High Peak", -1.9110, 53.2580, 2),
    Town("Glossop", "High Peak", -1.9490, 53.4430, 2),
    Town("Bolsover", "Bolsover", -1.2950, 53.2300, 1),
    Town("Shirebrook", "Bolsover", -1.2180, 53.2050, 1),
    Town("Staveley", "Chesterfield", -1.3500, 53.2680, 1),
    Town("Dronfield", "North East Derbyshire", -1.4750, 53.3020, 1),
    Town("Clay Cross", "North East Derbyshire", -1.4120, 53.1650, 1),
    Town("Ashbourne", "Derbyshire Dales", -1.7310, 53.0160, 1),
    Town("Bakewell", "Derbyshire Dales", -1.6750, 53.2130, 1),
    Town("New Mills", "High Peak", -2.0050, 53.3650, 1),
    Town("South Normanton", "Bolsover", -1.3420, 53.1050, 1),
    Town("Killamarsh", "North East Derbyshire", -1.3130, 53.3200, 1),
    Town("Sandiacre", "Erewash", -1.2910, 52.9230, 1),
    Town("Melbourne", "South Derbyshire", -1.4250, 52.8220, 1),
    Town("Clowne", "Bolsover", -1.2630, 53.2760, 1),
    Town("Wirksworth", "Derbyshire Dales", -1.5710, 53.0820, 1),
)

# Rough outline of the force area, clockwise from the northern tip above Glossop.
OUTLINE: tuple[tuple[float, float], ...] = (
    (-1.87, 53.54), (-1.59, 53.35), (-1.63, 53.32), (-1.30, 53.33), (-1.17, 53.28),
    (-1.20, 53.18), (-1.32, 53.16), (-1.34, 53.07), (-1.24, 52.88), (-1.34, 52.87),
    (-1.47, 52.77), (-1.55, 52.76), (-1.60, 52.70), (-1.70, 52.73), (-1.59, 52.83),
    (-1.83, 52.88), (-1.86, 52.92), (-1.76, 53.00), (-1.81, 53.15), (-1.99, 53.21),
    (-2.01, 53.26), (-2.03, 53.43), (-1.87, 53.54),
)

# Street and place names for background snap points ("On or near …", as police.uk writes them).
STREETS: tuple[str, ...] = (
    "High Street", "Station Road", "Church Street", "Main Street", "Park Road", "Chapel Street",
    "Queen Street", "King Street", "Mill Lane", "School Lane", "Victoria Street", "New Road",
    "The Green", "Market Street", "Derby Road", "Nottingham Road", "Mansfield Road",
    "Chesterfield Road", "Sheffield Road", "Alfreton Road", "Albert Street", "Green Lane",
    "Manor Road", "Church Lane", "Spring Gardens", "Oak Avenue", "Beech Avenue", "Meadow Close",
    "Hall Lane", "North Street", "South Street", "West Street", "Cross Street", "Bridge Street",
    "Parking Area", "Supermarket", "Petrol Station", "Sports/Recreation Area", "Shopping Area",
    "Further/Higher Educational Building", "Hospital", "Police Station", "Nightclub",
    "Conference/Exhibition Centre", "Pedestrian Subway",
)
