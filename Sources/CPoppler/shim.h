// poppler-glib and cairo, from Debian's libpoppler-glib-dev and libcairo2-dev.
#include <poppler.h>
#include <cairo.h>
#include <cairo-pdf.h>
// zlib (poppler links it anyway): lifecert measures what a PDF's Flate streams inflate to.
#include <zlib.h>
