// Tesseract's C API and Leptonica, from Debian's libtesseract-dev and libleptonica-dev.
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>
