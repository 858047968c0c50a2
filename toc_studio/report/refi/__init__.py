"""REFI-QDA exchange (.qdpx, .qde, .qdc): export and import."""
