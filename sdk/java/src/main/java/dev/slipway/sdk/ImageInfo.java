package dev.slipway.sdk;

import java.util.OptionalInt;

/**
 * What {@link Images#info(byte[])} reports. Sizes are as displayed, after the EXIF orientation.
 *
 * @param format {@code "jpeg"}, {@code "png"}, {@code "webp"} or {@code "gif"}
 * @param width the width in pixels
 * @param height the height in pixels
 * @param orientation the EXIF orientation (1–8), when the image has one
 * @param hasAlpha whether the image has an alpha channel
 * @param frames 1 for still images, more for animations
 * @param bytes the size of the image data
 */
public record ImageInfo(String format, int width, int height, OptionalInt orientation, boolean hasAlpha, int frames,
    long bytes) {}
