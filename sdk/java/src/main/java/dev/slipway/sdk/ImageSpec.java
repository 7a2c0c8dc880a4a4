package dev.slipway.sdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Images#transform(byte[], ImageSpec)} does: operations applied in order, then the
 * output encoding. Immutable: every method returns a new spec.
 *
 * <pre>{@code
 * ImageSpec spec = ImageSpec.create().resize(800, 600).rotate(90).format(ImageSpec.Format.WEBP).quality(75);
 * }</pre>
 */
public final class ImageSpec {
  /** How {@code resize} fits the image into width × height. */
  public enum Fit {
    /** Fill the box, cropping what overflows. */
    COVER,
    /** Fit inside the box, with bars (see {@link Resize#background(String)}). */
    CONTAIN,
    /** Fit inside the box, keeping the aspect ratio (the default). */
    INSIDE,
    /** Cover the box, keeping the aspect ratio, without cropping. */
    OUTSIDE,
    /** Stretch to the box exactly. */
    FILL
  }

  /** Output formats. */
  public enum Format {
    /** JPEG. */
    JPEG,
    /** PNG (lossless). */
    PNG,
    /** WebP. */
    WEBP
  }

  private final List<Map<String, Object>> operations;
  private final Map<String, Object> output;
  private final Boolean autoOrient;

  private ImageSpec(List<Map<String, Object>> operations, Map<String, Object> output, Boolean autoOrient) {
    this.operations = operations;
    this.output = output;
    this.autoOrient = autoOrient;
  }

  /**
   * A spec that changes nothing (the image is re-encoded upright, without metadata).
   *
   * @return the empty spec
   */
  public static ImageSpec create() {
    return new ImageSpec(List.of(), Map.of(), null);
  }

  /**
   * Scales the image to fit inside width × height, keeping its aspect ratio and never enlarging.
   *
   * @param width the maximum width
   * @param height the maximum height
   * @return a new spec
   */
  public ImageSpec resize(int width, int height) {
    return resize(Resize.to(width, height));
  }

  /**
   * Scales the image into width × height as {@code fit} says.
   *
   * @param width the width
   * @param height the height
   * @param fit how to fit
   * @return a new spec
   */
  public ImageSpec resize(int width, int height, Fit fit) {
    return resize(Resize.to(width, height).fit(fit));
  }

  /**
   * Scales the image as a {@link Resize} describes.
   *
   * @param resize the resize operation
   * @return a new spec
   */
  public ImageSpec resize(Resize resize) {
    return withOperation(resize.toJson());
  }

  /**
   * Keeps a rectangle of the image as it is at this step.
   *
   * @param left the left edge
   * @param top the top edge
   * @param width the width
   * @param height the height
   * @return a new spec
   */
  public ImageSpec crop(int left, int top, int width, int height) {
    Map<String, Object> op = operation("crop");
    op.put("left", left);
    op.put("top", top);
    op.put("width", width);
    op.put("height", height);
    return withOperation(op);
  }

  /**
   * Turns the image clockwise.
   *
   * @param degrees a multiple of 90; negative turns anticlockwise
   * @return a new spec
   */
  public ImageSpec rotate(int degrees) {
    Map<String, Object> op = operation("rotate");
    op.put("degrees", degrees);
    return withOperation(op);
  }

  /**
   * Mirrors top to bottom.
   *
   * @return a new spec
   */
  public ImageSpec flip() {
    return withOperation(operation("flip"));
  }

  /**
   * Mirrors left to right.
   *
   * @return a new spec
   */
  public ImageSpec flop() {
    return withOperation(operation("flop"));
  }

  /**
   * A size × size square: scaled to cover it and cropped around the centre.
   *
   * @param size the side in pixels
   * @return a new spec
   */
  public ImageSpec thumbnail(int size) {
    Map<String, Object> op = operation("thumbnail");
    op.put("size", size);
    return withOperation(op);
  }

  /**
   * The output format (default: the input's, or PNG for GIF input).
   *
   * @param format the format
   * @return a new spec
   */
  public ImageSpec format(Format format) {
    return withOutput("format", format.name().toLowerCase(Locale.ROOT));
  }

  /**
   * The JPEG or WebP quality (default 80; PNG ignores it).
   *
   * @param quality 1–100
   * @return a new spec
   */
  public ImageSpec quality(int quality) {
    return withOutput("quality", quality);
  }

  /**
   * Whether to turn the image upright by its EXIF orientation first (default true).
   *
   * @param autoOrient false to keep the stored orientation
   * @return a new spec
   */
  public ImageSpec autoOrient(boolean autoOrient) {
    return new ImageSpec(operations, output, autoOrient);
  }

  /** The spec as the {@code Slipway-Image-Spec} header carries it. */
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    if (!operations.isEmpty()) {
      json.put("operations", operations);
    }
    if (!output.isEmpty()) {
      json.put("output", output);
    }
    if (autoOrient != null) {
      json.put("autoOrient", autoOrient);
    }
    return json;
  }

  /** The spec as JSON, for logs. */
  @Override
  public String toString() {
    return Json.write(toJson());
  }

  private ImageSpec withOperation(Map<String, Object> operation) {
    List<Map<String, Object>> copy = new ArrayList<>(operations);
    copy.add(Collections.unmodifiableMap(operation));
    return new ImageSpec(Collections.unmodifiableList(copy), output, autoOrient);
  }

  private ImageSpec withOutput(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(output);
    copy.put(name, value);
    return new ImageSpec(operations, Collections.unmodifiableMap(copy), autoOrient);
  }

  private static Map<String, Object> operation(String name) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", name);
    return op;
  }

  /** A resize with every option. Immutable. */
  public static final class Resize {
    private final Map<String, Object> json;

    private Resize(Map<String, Object> json) {
      this.json = json;
    }

    /**
     * Resizes into width × height.
     *
     * @param width the width
     * @param height the height
     * @return the resize
     */
    public static Resize to(int width, int height) {
      Map<String, Object> json = operation("resize");
      json.put("width", width);
      json.put("height", height);
      return new Resize(json);
    }

    /**
     * Resizes to a width, the height following the aspect ratio.
     *
     * @param width the width
     * @return the resize
     */
    public static Resize toWidth(int width) {
      Map<String, Object> json = operation("resize");
      json.put("width", width);
      return new Resize(json);
    }

    /**
     * Resizes to a height, the width following the aspect ratio.
     *
     * @param height the height
     * @return the resize
     */
    public static Resize toHeight(int height) {
      Map<String, Object> json = operation("resize");
      json.put("height", height);
      return new Resize(json);
    }

    /**
     * How to fit (default {@link Fit#INSIDE}).
     *
     * @param fit the fit
     * @return a new resize
     */
    public Resize fit(Fit fit) {
      return with("fit", Objects.requireNonNull(fit, "fit").name().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a smaller image keeps its size (default true).
     *
     * @param withoutEnlargement false to enlarge smaller images
     * @return a new resize
     */
    public Resize withoutEnlargement(boolean withoutEnlargement) {
      return with("withoutEnlargement", withoutEnlargement);
    }

    /**
     * The colour of {@link Fit#CONTAIN}'s bars (default transparent, white in JPEG).
     *
     * @param colour {@code "#rrggbb"}
     * @return a new resize
     */
    public Resize background(String colour) {
      return with("background", Objects.requireNonNull(colour, "colour"));
    }

    Map<String, Object> toJson() {
      return new LinkedHashMap<>(json);
    }

    private Resize with(String name, Object value) {
      Map<String, Object> copy = new LinkedHashMap<>(json);
      copy.put(name, value);
      return new Resize(copy);
    }
  }
}
