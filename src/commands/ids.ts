/** Every command id the extension contributes, in one place. */
export const CommandIds = {
  computeOnSelection: 'lossLens.computeOnSelection',
  computeFromJsonFile: 'lossLens.computeFromJsonFile',
  computeFromNpy: 'lossLens.computeFromNpy',
  computeFromTensorFile: 'lossLens.computeFromTensorFile',
  openInspector: 'lossLens.openInspector',
  explainError: 'lossLens.explainError',
  showBreakdown: 'lossLens.showBreakdown',
  showCallBreakdown: 'lossLens.showCallBreakdown',
  explainLiveCall: 'lossLens.explainLiveCall',
} as const;
