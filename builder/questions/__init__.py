"""Question types, one definition each: base.py (the interface), one module per type, registry.py."""
