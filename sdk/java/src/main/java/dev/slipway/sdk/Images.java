package dev.slipway.sdk;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads and transforms JPEG, PNG, WebP and GIF images (at most 32 MiB) on the platform.
 * Thread-safe.
 *
 * <pre>{@code
 * TransformedImage small = images.transform(upload, ImageSpec.create().resize(800, 600).format(Format.WEBP));
 * response.setContentType(small.contentType());
 * response.getOutputStream().write(small.bytes());
 * }</pre>
 */
public final class Images {
  static final String SPEC_HEADER = "Slipway-Image-Spec";

  private final ServiceClient client;

  Images(ServiceClient client) {
    this.client = client;
  }

  /**
   * The format and size of an image, from its header ({@code images/info}).
   *
   * @param image the image data
   * @return what the image is
   * @throws SlipwayException with code {@code unsupported} when the data is not an image the
   *     platform reads
   */
  public ImageInfo info(byte[] image) {
    ServiceResponse response = client.send("images/info", ServiceClient.OCTET_STREAM, image, Map.of());
    Map<String, Object> answer = ServiceClient.parseObject("images/info", response);
    Object orientation = answer.get("orientation");
    return new ImageInfo(
        JsonFields.string(answer.get("format"), "format"),
        JsonFields.smallInteger(answer.get("width"), "width"),
        JsonFields.smallInteger(answer.get("height"), "height"),
        orientation == null ? OptionalInt.empty() : OptionalInt.of(JsonFields.smallInteger(orientation, "orientation")),
        JsonFields.bool(answer.get("hasAlpha"), "hasAlpha"),
        answer.containsKey("frames") ? JsonFields.smallInteger(answer.get("frames"), "frames") : 1,
        JsonFields.integer(answer.get("bytes"), "bytes"));
  }

  /**
   * Transforms an image ({@code images/transform}).
   *
   * @param image the image data
   * @param spec what to do
   * @return the encoded result
   */
  public TransformedImage transform(byte[] image, ImageSpec spec) {
    ServiceResponse response = client.send("images/transform", ServiceClient.OCTET_STREAM, image,
        Map.of(SPEC_HEADER, Json.writeAscii(spec.toJson()), "Accept", "image/*, application/problem+json"));
    String contentType = response.mediaType();
    return new TransformedImage(response.body(), contentType,
        dimension(response.header("slipway-image-width")), dimension(response.header("slipway-image-height")));
  }

  /**
   * Scales an image to fit inside width × height, never enlarging it.
   *
   * @param image the image data
   * @param width the maximum width
   * @param height the maximum height
   * @return the encoded result, in the input's format
   */
  public TransformedImage resize(byte[] image, int width, int height) {
    return transform(image, ImageSpec.create().resize(width, height));
  }

  /**
   * A size × size square thumbnail, cropped around the centre.
   *
   * @param image the image data
   * @param size the side in pixels
   * @return the encoded result, in the input's format
   */
  public TransformedImage thumbnail(byte[] image, int size) {
    return transform(image, ImageSpec.create().thumbnail(size));
  }

  private static int dimension(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
