package dev.slipway.sdk;

/** What {@link Images#transform(byte[], ImageSpec)} returns: the encoded image and its size. */
public final class TransformedImage {
  private final byte[] bytes;
  private final String contentType;
  private final int width;
  private final int height;

  TransformedImage(byte[] bytes, String contentType, int width, int height) {
    this.bytes = bytes;
    this.contentType = contentType;
    this.width = width;
    this.height = height;
  }

  /**
   * The encoded image.
   *
   * @return the bytes (not copied: do not modify)
   */
  public byte[] bytes() {
    return bytes;
  }

  /**
   * The media type to serve the image with.
   *
   * @return {@code image/jpeg}, {@code image/png} or {@code image/webp}
   */
  public String contentType() {
    return contentType;
  }

  /**
   * The format, from the media type.
   *
   * @return {@code jpeg}, {@code png} or {@code webp}
   */
  public String format() {
    return contentType.startsWith("image/") ? contentType.substring("image/".length()) : contentType;
  }

  /**
   * The width in pixels.
   *
   * @return the width, or 0 when the platform did not say
   */
  public int width() {
    return width;
  }

  /**
   * The height in pixels.
   *
   * @return the height, or 0 when the platform did not say
   */
  public int height() {
    return height;
  }
}
