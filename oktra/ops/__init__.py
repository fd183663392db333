"""Operations (Reflex-free): encrypted backups, their storage and rotation, restore."""
