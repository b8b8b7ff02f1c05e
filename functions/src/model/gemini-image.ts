/**
 * Images from a Gemini image model (e.g. `gemini-2.5-flash-image`) through `models.generateContent`
 * with an image response modality: the path Google now points to from Imagen's `generateImages`.
 * The media adapter takes it when the configured image model's name starts with `gemini-`. One call
 * per image (these models answer one image per candidate); the image comes back as an inlineData part.
 */
import type { GoogleGenAI, HttpOptions } from '@google/genai';
import { isRetryableStatus } from './core/retry-policy.js';
import { toModelError } from './gemini-wire.js';
import { scenePrompt, type GeneratedImage, type ImageRequest } from './media-port.js';
import { ModelError } from './port.js';

/** Whether a model name is a Gemini image model rather than Imagen. */
export const isGeminiImageModel = (model: string): boolean => model.startsWith('gemini-');

/** `count` images of the request's scene; a blocked or image-less answer is terminal. */
export async function geminiImages(
  ai: GoogleGenAI,
  model: string,
  req: ImageRequest,
  httpOptions: HttpOptions,
): Promise<GeneratedImage[]> {
  const prompt = [
    req.prompt ?? scenePrompt(req.scene),
    ...(req.negativePrompt ? [`Avoid: ${req.negativePrompt}.`] : []),
  ].join(' ');
  const images: GeneratedImage[] = [];
  for (let i = 0; i < req.count; i++) {
    const res = await ai.models
      .generateContent({
        model,
        contents: [{ role: 'user', parts: [{ text: prompt }] }],
        config: {
          responseModalities: ['IMAGE'],
          imageConfig: { aspectRatio: req.aspectRatio },
          ...(req.seed !== undefined ? { seed: req.seed + i } : {}),
          httpOptions,
        },
      })
      .catch((err: unknown) => {
        throw toModelError(err, isRetryableStatus);
      });
    const candidate = res.candidates?.[0];
    const part = candidate?.content?.parts?.find((p) => p.inlineData?.data);
    if (!part?.inlineData?.data) {
      const why = res.promptFeedback?.blockReason ?? candidate?.finishReason ?? 'no image part';
      throw new ModelError(`Gemini returned no image (${String(why)})`, false);
    }
    images.push({
      bytes: Buffer.from(part.inlineData.data, 'base64'),
      mimeType: part.inlineData.mimeType ?? 'image/png',
    });
  }
  return images;
}
