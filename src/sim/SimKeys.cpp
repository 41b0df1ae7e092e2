#include "sim/SimKeys.h"
