/* libFuzzer harness for the wecom-groupchat importer. */
#define FUZZ_FORMAT "wecom-groupchat"
#include "fuzz_format.h"
