/**
 * Simplified Chinese for why shape mode does not know a value that came from a third-party library it models as a
 * shape source (src/core/runtime/shape-thirdparty.ts: argparse, torchvision, tqdm). Same template syntax as
 * ./zh-cn.ts, which includes these.
 */
import type { CatalogEntry } from './matcher';

/** runtime/shape-thirdparty.ts. */
export const THIRDPARTY_ZH: CatalogEntry[] = [
  ['parse_args(...) of an explicit argument list', '用显式参数列表调用的 parse_args(...)'],
  ["the command-line argument '{option:raw}', which has no default", '命令行参数 “{option}”（它没有默认值）'],
  [
    'transforms.{name:id}(...) of a PIL image (it takes a tensor)',
    '作用于 PIL 图像的 transforms.{name}(...)（它需要张量）',
  ],
  [
    'transforms.{name:id}(...) of a tensor (it takes a PIL image)',
    '作用于张量的 transforms.{name}(...)（它需要 PIL 图像）',
  ],
  [
    'transforms.{name:id}(...) with arguments Loss Lens does not model',
    '带有 Loss Lens 未建模参数的 transforms.{name}(...)',
  ],
  ['transforms.{name:id}(...) of a size Loss Lens cannot know', '尺寸无法确定的 transforms.{name}(...)'],
  ['transforms.{name:id}(...) of transforms Loss Lens cannot know', '由无法确定的变换组成的 transforms.{name}(...)'],
  [
    'transforms.{name:id}(...) of transforms that change the image',
    '由会改变图像形状的变换组成的 transforms.{name}(...)',
  ],
  ['transforms.{name:id}(...) of a value Loss Lens cannot know', '作用于无法确定的值的 transforms.{name}(...)'],
  ['a transform Loss Lens does not model', '一个 Loss Lens 未建模的变换'],
  [
    'a PIL image of {source:raw} (a DataLoader needs transforms.ToTensor() to batch it)',
    '{source} 的一张 PIL 图像（DataLoader 需要 transforms.ToTensor() 才能把它组成批次）',
  ],
  ['len() of torchvision.datasets.{name:id}', 'torchvision.datasets.{name} 的 len()'],
  ['the target_transform of torchvision.datasets.{name:id}', 'torchvision.datasets.{name} 的 target_transform'],
  ['{op:id}() of torchvision.models.{model:id}(...)', 'torchvision.models.{model}(...) 的 {op}()'],
  [
    'torchvision.models.{model:id}(...) of an input Loss Lens cannot know',
    '作用于无法确定的输入的 torchvision.models.{model}(...)',
  ],
  [
    'torchvision.models.{model:id}(...) whose layers the program replaced',
    '程序替换了其中某些层的 torchvision.models.{model}(...)',
  ],
  [
    'torchvision.models.{model:id}(...) with a num_classes Loss Lens cannot know',
    'num_classes 无法确定的 torchvision.models.{model}(...)',
  ],
];
