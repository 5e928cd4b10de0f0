/* vigilctl.c: placeholder until the pipeline lands (same session). */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "vigilctl: not built yet\n");
	return 1;
}
