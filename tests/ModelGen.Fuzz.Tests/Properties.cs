// The fuzzers are time-bounded: run them one after another, so that each gets its share of the machine and the whole
// project takes about MODELGEN_FUZZ_SECONDS.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
