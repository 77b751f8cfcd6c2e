"""Pricing: price books as data files, and the engine that turns an inventory plus usage into costs."""
