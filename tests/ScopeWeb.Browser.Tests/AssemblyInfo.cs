// One app and one chromium for the whole assembly; parallel browser tests on 2 cores only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
