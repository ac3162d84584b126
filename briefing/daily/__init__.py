"""The daily job: a wing over the library that collects sources, builds and delivers a brief."""
