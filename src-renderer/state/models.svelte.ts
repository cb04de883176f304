/**
 * The model and device choice of the editor (the model picker): the installed models with the provider
 * each runs on, which inpainting and detection model jobs use, the detection sensitivity, and the device.
 */
import type { ModelView } from '@core/api/contract.js';
import type { Device } from '@core/image.js';
import type { EditorApi } from '../lib/editor-api.js';

export class ModelChoice {
  models = $state.raw<ModelView[]>([]);
  inpaintModelId = $state<string | undefined>(undefined);
  detectModelId = $state<string | undefined>(undefined);
  /** Detection threshold the user picked; null: the chosen detector's own. */
  detectThreshold = $state<number | null>(null);
  device = $state<Device>('auto');

  #providerAsk = 0;

  constructor(
    private readonly api: EditorApi,
    /** Runs a call and shows what it threw as the editor's error. */
    private readonly guard: (fn: () => Promise<void>) => Promise<unknown>,
  ) {}

  get inpaintModels(): ModelView[] {
    return this.models.filter((m) => m.task === 'inpaint');
  }
  get detectModels(): ModelView[] {
    return this.models.filter((m) => m.task === 'detect-damage');
  }
  get toneModels(): ModelView[] {
    return this.models.filter((m) => m.task === 'restore-tone');
  }
  /** The threshold Detect damage will use: the user's, else the chosen detector's own. */
  get detectThresholdShown(): number {
    return this.detectThreshold ?? this.detectModels.find((m) => m.id === this.detectModelId)?.threshold ?? 0.5;
  }

  async load(): Promise<void> {
    await this.guard(async () => {
      this.#setModels(await this.api.models.list({ resolveProviders: false }));
      // Resolving providers creates sessions; do it after the first paint.
      await this.#resolveProviders();
    });
  }

  /** Chooses the execution device and re-asks which provider each model then runs on, and why. */
  async setDevice(device: Device): Promise<void> {
    this.device = device;
    await this.guard(() => this.#resolveProviders());
  }

  async #resolveProviders(): Promise<void> {
    const ask = ++this.#providerAsk;
    const device = this.device;
    const list = await this.api.models.list({ resolveProviders: true, device });
    if (ask === this.#providerAsk) this.#setModels(list); // a later device choice wins over a slow answer
  }

  #setModels(list: ModelView[]): void {
    this.models = list;
    const pick = (task: ModelView['task'], cur: string | undefined): string | undefined => {
      const ofTask = list.filter((m) => m.task === task);
      if (cur && ofTask.some((m) => m.id === cur)) return cur;
      return (ofTask.find((m) => m.isDefault) ?? ofTask[0])?.id;
    };
    this.inpaintModelId = pick('inpaint', this.inpaintModelId);
    this.detectModelId = pick('detect-damage', this.detectModelId);
  }
}
