#include "SimKeys.h"
