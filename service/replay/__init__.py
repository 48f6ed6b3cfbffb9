"""Replaying claim files: read as claims, priced in file order (a patient's
earlier claims counting), each line reported; in one process, or over Dask
partitions of whole patients."""
