import sharp from 'sharp';

// Set once for the process, before any image is opened. libvips' operation cache keeps decoded
// tiles of earlier requests (memory that belongs to nobody on a shared server), and by default
// each image is processed on every core; one thread per image leaves the second core to the rest
// of the platform, and TransformLimiter bounds how many images run at once.
sharp.cache(false);
sharp.concurrency(1);

export { sharp };
