/* The public header compiles alone with -pedantic -Werror. */
#include <coopsim/coopsim.h>
