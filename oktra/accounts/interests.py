"""Sectors and regions a user can follow (the fixed list until the tender taxonomy lands)."""

from __future__ import annotations

from oktra.i18n import N_

SECTORS: tuple[tuple[str, str], ...] = (
    ("construction", N_("Construction and fitting-out")),
    ("roads", N_("Roads, tracks and paths")),
    ("water", N_("Sanitation, drinking water and networks")),
    ("electricity", N_("Electricity")),
    ("it", N_("IT hardware and software")),
    ("medical", N_("Medical equipment")),
    ("studies", N_("Engineering studies")),
    ("cleaning", N_("Cleaning, guarding and maintenance")),
    ("catering", N_("Catering and receptions")),
    ("furniture", N_("Furniture and office supplies")),
    ("clothing", N_("Clothing")),
    ("vehicles", N_("Vehicles")),
    ("printing", N_("Printing")),
    ("training", N_("Training and consulting")),
    ("agriculture", N_("Agriculture")),
)

REGIONS: tuple[tuple[str, str], ...] = (
    ("tanger_tetouan_al_hoceima", N_("Tanger-Tétouan-Al Hoceïma")),
    ("oriental", N_("L'Oriental")),
    ("fes_meknes", N_("Fès-Meknès")),
    ("rabat_sale_kenitra", N_("Rabat-Salé-Kénitra")),
    ("beni_mellal_khenifra", N_("Béni Mellal-Khénifra")),
    ("casablanca_settat", N_("Casablanca-Settat")),
    ("marrakech_safi", N_("Marrakech-Safi")),
    ("draa_tafilalet", N_("Drâa-Tafilalet")),
    ("souss_massa", N_("Souss-Massa")),
    ("guelmim_oued_noun", N_("Guelmim-Oued Noun")),
    ("laayoune_sakia_el_hamra", N_("Laâyoune-Sakia El Hamra")),
    ("dakhla_oued_ed_dahab", N_("Dakhla-Oued Ed-Dahab")),
)

SECTOR_CODES = frozenset(code for code, _label in SECTORS)
REGION_CODES = frozenset(code for code, _label in REGIONS)
