/* libFuzzer harness for detection + every importer (the format is chosen
 * by content, as in a real run). */
#define FUZZ_FORMAT NULL
#include "fuzz_format.h"
