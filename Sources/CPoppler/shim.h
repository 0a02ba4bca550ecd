// poppler-glib and cairo, from Debian's libpoppler-glib-dev and libcairo2-dev.
#include <poppler.h>
#include <cairo.h>
#include <cairo-pdf.h>
// zlib (poppler links it anyway): lifecert measures what a PDF's Flate streams inflate to.
#include <zlib.h>
// fontconfig (cairo uses it to find fonts): lifecert checks a font family is installed before
// drawing glyph templates with it.
#include <fontconfig/fontconfig.h>
